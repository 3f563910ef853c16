/* experiment.c - placeholder, implemented in a later commit. */
typedef int ss_experiment_placeholder_;
