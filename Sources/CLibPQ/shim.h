#ifndef CQ_LIBPQ_SHIM_H
#define CQ_LIBPQ_SHIM_H
// libpq (PostgreSQL's C client) for cq's PostgreSQL engine. Debian's libpq-dev puts the
// header under /usr/include/postgresql (pkg-config libpq gives that path).
#include <libpq-fe.h>
#endif
