/* clock.c - placeholder, implemented in a later commit. */
typedef int ss_clock_placeholder_;
