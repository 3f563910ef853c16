/* lif.c - placeholder, implemented in a later commit. */
typedef int ss_lif_placeholder_;
