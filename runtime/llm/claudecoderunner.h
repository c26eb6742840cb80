#pragma once

#include "llm/llmsettings.h"
#include "llm/llmtypes.h"

namespace ktx {

// The claude-code backend: runs `claude -p --output-format stream-json` with
// nothing but this run's tools (through a RunToolServer), no user or project
// settings, no built-in tools, non-interactive permissions and --max-turns from
// the budget. The init line is checked before anything else is trusted: an
// unexpected tool, MCP server or plugin stops the run with "runtime isolation
// failed". Blocking; call it on a worker thread.
class ClaudeCodeRunner
{
public:
    static LoopResult run(const LlmSettings &settings, const LoopRequest &request,
                          const AgentEventSink &events);

    static constexpr const char *ServerName = "ktx";

    // Variables that would route the child to another provider or model; the
    // child must use the user's own Claude Code sign-in.
    static const QStringList &strippedEnvironment();
    // Built-in tools that are denied by name on top of `--tools ""`.
    static const QStringList &deniedBuiltinTools();
};

} // namespace ktx
