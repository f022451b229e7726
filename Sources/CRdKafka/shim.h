// CRdKafka: librdkafka's C API for Swift. Requires librdkafka >= 2.2
// (scripts/bootstrap installs it; see SPEC §6 for why 2.0.x cannot be used).
#ifndef LEADLEDGER_CRDKAFKA_SHIM_H
#define LEADLEDGER_CRDKAFKA_SHIM_H
#include <librdkafka/rdkafka.h>
#endif
