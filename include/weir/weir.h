/* weir/weir.h: umbrella header of weir's public API. */
#ifndef WEIR_WEIR_H
#define WEIR_WEIR_H

#include "weir/engine.h"
#include "weir/status.h"

#endif
