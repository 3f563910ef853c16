/* spikefile.c - placeholder, implemented in a later commit. */
typedef int ss_spikefile_placeholder_;
