/* queue.c - placeholder, implemented in a later commit. */
typedef int ss_queue_placeholder_;
