/* task.h - (being written) */
#ifndef SUPERSPIKE_TASK_H
#define SUPERSPIKE_TASK_H
#endif
