#ifndef LEADLEDGER_FUZZ_DRIVER_H
#define LEADLEDGER_FUZZ_DRIVER_H
/* See FuzzDriver.c. */
int leadledger_fuzz_main(int argc, char **argv);
#endif
