#ifndef CQ_EDITLINE_SHIM_H
#define CQ_EDITLINE_SHIM_H
// libedit for cq. Variadic calls (el_set, el_get, history) cannot be called from Swift,
// so each one used is wrapped in a static inline function here. No static variables: every
// Swift file would get its own copy.
#include <stdio.h>
#include <histedit.h>

/// A prompt function: returns the prompt text for `el` (owned by the caller).
typedef char *(*cq_prompt_function)(EditLine *);
/// An editor command bound to a key: returns one of the CC_* codes.
typedef unsigned char (*cq_command_function)(EditLine *, int);

/// Starts libedit for `program` (the name ~/.editrc lines are prefixed with) on the
/// standard streams. (Swift 6 cannot touch the global stdin/stdout/stderr itself.)
static inline EditLine *cq_el_init(const char *program) {
  return el_init(program, stdin, stdout, stderr);
}

/// Writes `text` to standard output through stdio (the stream libedit draws on) and flushes.
static inline void cq_write_stdout(const char *text) {
  fputs(text, stdout);
  fflush(stdout);
}

/// Sets the prompt function; characters between two `escape` bytes are not printed width
/// (for ANSI colour sequences).
static inline int cq_el_set_prompt(EditLine *el, cq_prompt_function prompt, char escape) {
  return el_set(el, EL_PROMPT_ESC, prompt, escape);
}

/// Chooses the key bindings: "emacs" or "vi".
static inline int cq_el_set_editor(EditLine *el, const char *mode) {
  return el_set(el, EL_EDITOR, mode);
}

/// Lets libedit handle signals while editing (restores the tty on SIGINT/SIGTSTP, redraws
/// after SIGCONT and SIGWINCH), passing them on to the process's own handlers.
static inline int cq_el_set_signal(EditLine *el, int on) {
  return el_set(el, EL_SIGNAL, on);
}

/// Connects a history list to the line editor (Up/Down, Ctrl-R).
static inline int cq_el_set_history(EditLine *el, History *list) {
  return el_set(el, EL_HIST, history, list);
}

/// Stores an opaque pointer for callbacks to find their owner.
static inline int cq_el_set_client_data(EditLine *el, void *data) {
  return el_set(el, EL_CLIENTDATA, data);
}

/// The pointer stored with cq_el_set_client_data, or NULL.
static inline void *cq_el_get_client_data(EditLine *el) {
  void *data = NULL;
  if (el_get(el, EL_CLIENTDATA, &data) != 0) return NULL;
  return data;
}

/// Adds a named editor command (usable in `bind` and ~/.editrc).
static inline int cq_el_add_function(
    EditLine *el, const char *name, const char *help, cq_command_function function) {
  return el_set(el, EL_ADDFN, name, help, function);
}

/// Binds `key` (e.g. "^I") to the command named `command` in the current key map.
static inline int cq_el_bind(EditLine *el, const char *key, const char *command) {
  return el_set(el, EL_BIND, key, command, (const char *)NULL);
}

/// Keeps at most `size` history entries.
static inline int cq_history_set_size(History *list, int size) {
  HistEvent event;
  return history(list, &event, H_SETSIZE, size);
}

/// Skips adding an entry equal to the previous one.
static inline int cq_history_set_unique(History *list, int unique) {
  HistEvent event;
  return history(list, &event, H_SETUNIQUE, unique);
}

/// Appends `line` as the newest history entry.
static inline int cq_history_enter(History *list, const char *line) {
  HistEvent event;
  return history(list, &event, H_ENTER, line);
}

#endif
