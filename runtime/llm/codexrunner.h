#pragma once

#include "llm/llmsettings.h"
#include "llm/llmtypes.h"

namespace ktx {

// The codex backend: runs `codex exec --json` with a read-only sandbox,
// approval_policy=never, web search off, plugins and analytics off, an
// allow-listed environment, and a RunToolServer that exposes exactly this run's
// tools (bearer token passed by environment variable, tools auto-approved). The
// JSONL stream is parsed live; when the completed steps reach the budget the
// process is stopped and the run ends with stop reason `budget`. Codex has no
// system-prompt channel, so the prompt is system + blank line + user.
class CodexRunner
{
public:
    static LoopResult run(const LlmSettings &settings, const LoopRequest &request,
                          const AgentEventSink &events);

    static constexpr const char *ServerName = "ktx";
    static constexpr const char *TokenVariable = "KTX_CODEX_RUNTIME_MCP_TOKEN";
    static const QStringList &allowedEnvironment();
    // Prompts longer than this go through stdin (`-`) instead of argv.
    static constexpr qsizetype MaxArgumentPrompt = 100 * 1024;
};

} // namespace ktx
