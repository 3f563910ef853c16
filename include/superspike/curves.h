/* curves.h - (being written) */
#ifndef SUPERSPIKE_CURVES_H
#define SUPERSPIKE_CURVES_H
#endif
