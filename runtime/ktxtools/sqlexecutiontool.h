#pragma once

#include "ktxtools/ktxtoolcontext.h"
#include "tools/agenttool.h"

namespace ktx {

// sql_execution: one read-only SELECT/WITH on a connection, through
// ReadOnlySqlGuard and a read-only session with the connection's query timeout:
// {headers, headerTypes?, rows, rowCount}, maxRows 1-10000 (default 1000).
// Connections with query_policy: semantic-layer-only refuse it with the
// original's wording.
AgentTool makeSqlExecutionTool(KtxToolContextPtr context);

// Whether the tool belongs in a tool set for this project: some SQL connection
// allows raw SQL (not every one is semantic-layer-only).
bool sqlExecutionAllowed(const ProjectConfig &config);

} // namespace ktx
