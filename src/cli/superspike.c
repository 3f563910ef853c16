/* superspike.c - main and subcommand table of the superspike program. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "superspike/superspike.h"

static void usage(FILE *fp) {
  fprintf(fp,
          "Usage: superspike COMMAND [OPTIONS]\n"
          "\n"
          "Event-driven simulation of spiking networks and SuperSpike learning.\n"
          "\n"
          "Commands:\n"
          "  simulate CONFIG [--out DIR]   simulate an experiment file\n"
          "  train CONFIG [--out DIR]      train its plastic projections with SuperSpike\n"
          "  task KIND [OPTIONS]           generate a task: xor stimuli, image targets, ...\n"
          "  sweep CONFIG [OPTIONS]        many seeds / parameter values in parallel\n"
          "  stats RASTER [OPTIONS]        firing rates, ISIs and CVs of a spike file\n"
          "\n"
          "Options:\n"
          "  -h, --help     show this help (COMMAND --help: help of a command)\n"
          "  -V, --version  show the version\n"
          "\n"
          "See superspike(1) and doc/config.md for the experiment file format.\n");
}

const char *ss_cli_argv0 = "superspike";

int main(int argc, char **argv) {
  if (argc > 0 && argv[0]) ss_cli_argv0 = argv[0];
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
    usage(stdout);
    return 0;
  }
  if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
    printf("superspike %s\n", PACKAGE_VERSION);
    return 0;
  }
  if (!strcmp(cmd, "simulate")) return ss_cmd_simulate(argc - 1, argv + 1);
  if (!strcmp(cmd, "train")) return ss_cmd_train(argc - 1, argv + 1);
  if (!strcmp(cmd, "task")) return ss_cmd_task(argc - 1, argv + 1);
  if (!strcmp(cmd, "sweep")) return ss_cmd_sweep(argc - 1, argv + 1);
  if (!strcmp(cmd, "stats")) return ss_cmd_stats(argc - 1, argv + 1);
  fprintf(stderr, "superspike: unknown command '%s' (try 'superspike --help')\n", cmd);
  return 2;
}
