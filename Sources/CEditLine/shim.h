#ifndef CQ_EDITLINE_SHIM_H
#define CQ_EDITLINE_SHIM_H
// libedit for cq. Variadic calls (el_set, history) cannot be called from Swift,
// so each one used is wrapped in a static inline function here.
#include <stdio.h>
#include <histedit.h>
#endif
