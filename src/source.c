/* source.c - placeholder, implemented in a later commit. */
typedef int ss_source_placeholder_;
