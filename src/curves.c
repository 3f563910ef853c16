/* curves.c - (being written) */
#include "superspike/curves.h"
typedef int ss_curves_placeholder_;
