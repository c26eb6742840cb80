#pragma once

#include "project/projectconfig.h"

#include <QString>

#include <memory>

namespace ktx {

// What every ktx context tool (the agent-facing MCP tools and the read tools
// ingest agents share with them) needs to know about the project it serves.
// Tools capture it by shared pointer and run on worker threads concurrently,
// so it is immutable after construction; each call opens its own database
// handles (Qt SQL connections are per-thread).
struct KtxToolContext
{
    QString projectDir;
    ProjectConfig config; // as loaded when the tool set was built
    QString userId = QStringLiteral("local"); // wiki user scope (MCP and CLI default)
};

using KtxToolContextPtr = std::shared_ptr<const KtxToolContext>;

} // namespace ktx
