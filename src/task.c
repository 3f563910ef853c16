/* task.c - (being written) */
#include "superspike/task.h"
typedef int ss_task_placeholder_;
