/* record.c - placeholder, implemented in a later commit. */
typedef int ss_record_placeholder_;
