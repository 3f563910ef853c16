/* network.c - placeholder, implemented in a later commit. */
typedef int ss_network_placeholder_;
