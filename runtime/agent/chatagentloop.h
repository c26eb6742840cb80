#pragma once

#include "llm/chatmodel.h"

namespace ktx {

// Our own agent loop for the HTTP backends: ask the model, run the tools it
// calls, hand back the results, repeat until it stops on its own, the step budget
// is spent, something fails or the caller cancels. One step is one model turn
// together with the tool calls it made. Blocking: run it on a worker thread.
class ChatAgentLoop
{
public:
    static LoopResult run(ChatModel &model, const QString &modelId, const LoopRequest &request,
                          const AgentEventSink &events, int maxTokens = 8192);

    // Text of a structured answer without Markdown code fences around it.
    static QString stripCodeFence(const QString &text);
};

} // namespace ktx
