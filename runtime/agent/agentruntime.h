#pragma once

#include "llm/llmsettings.h"
#include "llm/llmtypes.h"

#include <memory>

namespace ktx {

class RequestGovernor;

// The one entry point for running a model: picks the backend from the settings
// (our own loop over an HTTP chat model, or an agent CLI), applies the role's
// model, and returns a LoopResult. Blocking; run it on a worker thread. One
// governor is shared by every loop of a runtime, so parallel work units share
// the concurrency limit and rate-limit pauses.
class AgentRuntime
{
public:
    explicit AgentRuntime(LlmSettings settings, std::shared_ptr<RequestGovernor> governor = {});

    const LlmSettings &settings() const { return m_settings; }
    RequestGovernor &governor() const { return *m_governor; }

    LoopResult run(const LoopRequest &request, const AgentEventSink &events = {}) const;

    // A single answer with no tools (budget 1).
    LoopResult generateText(const QString &role, const QString &system, const QString &prompt,
                            const CancellationToken &cancel = {}) const;

private:
    LlmSettings m_settings;
    std::shared_ptr<RequestGovernor> m_governor;
};

} // namespace ktx
