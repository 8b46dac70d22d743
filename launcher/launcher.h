/* launcher/launcher.h — the `blasshim` command: its options table, where its files are, and the
 * environment a profiled command gets. The command's own failures exit 125 (like env(1) and
 * timeout(1)), so a profiled command's own exit status is never mistaken for one. */
#ifndef BS_LAUNCHER_LAUNCHER_H
#define BS_LAUNCHER_LAUNCHER_H

#include <stddef.h>

#define LAUNCHER_NAME "blasshim"
#define EXIT_LAUNCHER 125 /* blasshim itself failed, or was used wrongly */

/* Subcommands an option belongs to. */
enum { CMD_RUN = 1, CMD_INFO = 2 };

/* One option: `--long VALUE`, `--long=VALUE`, `-s VALUE`, `-sVALUE`; a flag takes no value;
 * an optional value (`--verify[=N]`) only with `=`. var: the BLASSHIM_* variable it sets
 * (NULL: the launcher's own option); flag_value: what a flag, or an optional value left out,
 * sets it to. */
typedef struct bs_opt {
    const char *lng;
    char shrt;
    enum { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL } kind;
    const char *metavar;
    const char *var;
    const char *flag_value;
    unsigned cmds;
    const char *help;
} bs_opt;

enum { OPT_COUNT = 16 }; /* the rows of bs_opts (checked where it is defined) */
extern const bs_opt bs_opts[OPT_COUNT];

/* The options given, by index into bs_opts (NULL: not given). */
typedef struct bs_args {
    const char *val[OPT_COUNT];
    char **rest; /* the arguments after the options (run: CMD and its arguments) */
    int nrest;
} bs_args;

/* Index of a launcher-only option in bs_opts. */
int bs_opt_index(const char *lng);

/* Parse argv[1..] of subcommand cmd (argv[0] is the subcommand's name). Options stop at `--`
 * or at the first argument that is not an option. Returns 0 to go on; 1 when --help or
 * --version was given (and printed: the subcommand is done); -1 on a usage error (printed). */
int bs_parse(unsigned cmd, const char *name, int argc, char **argv, bs_args *a);

/* Print the help of a subcommand (usage, every option, an example) to stdout. */
void bs_print_help(unsigned cmd);

/* `LAUNCHER_NAME: message` on stderr. */
void bs_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Files that belong to this installation, found from the launcher's own path: the build
 * tree keeps them next to it (build/libblasshim.so), an installation in ../lib and
 * ../libexec/blasshim. Returns 0 and an absolute path, or -1 (after a message). */
int bs_find_file(const char *what, char *out, size_t cap);

/* Set the profiled command's environment in this (child) process: the BLASSHIM_* variables of
 * the options given, the report name (absolute, see run.c), and the library appended to
 * LD_PRELOAD. */
void bs_set_child_env(const bs_args *a, const char *lib, const char *report);

/* The report name pattern a run uses: -o, else $BLASSHIM_REPORT, else
 * blasshim-<kernel>-%p.jsonl; a relative name made absolute against the current directory.
 * `off` and `stderr` stay as they are, with *off set (no file to list). Returns -1 on a usage
 * error. */
int bs_report_pattern(const bs_args *a, char *out, size_t cap, int *off);

int bs_cmd_run(int argc, char **argv);
int bs_cmd_info(int argc, char **argv);
int bs_info_probe(void);

#endif
