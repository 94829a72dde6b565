#ifndef TESTFLEET_CZMQ_SHIM_H
#define TESTFLEET_CZMQ_SHIM_H
#include <zmq.h>
#endif
