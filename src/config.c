/* config.c - placeholder, implemented in a later commit. */
typedef int ss_config_placeholder_;
