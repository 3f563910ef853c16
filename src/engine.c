/* engine.c - placeholder, implemented in a later commit. */
typedef int ss_engine_placeholder_;
