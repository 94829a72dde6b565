#ifndef TESTFLEET_CLZ4_SHIM_H
#define TESTFLEET_CLZ4_SHIM_H
#include <lz4.h>
#endif
