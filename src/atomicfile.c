/* atomicfile.c - placeholder, implemented in a later commit. */
typedef int ss_atomicfile_placeholder_;
