#pragma once

#include "ktxtools/ktxtoolcontext.h"
#include "tools/toolset.h"

namespace ktx {

// The agent-facing ktx tools of one project, in the original's order
// (connection_list, wiki_search, wiki_read, sl_read_source, sl_query,
// entity_details, dictionary_search, discover_data, sql_execution), for the MCP
// server. sql_execution is left out when every SQL connection is
// query_policy: semantic-layer-only. memory_ingest and memory_ingest_status
// follow when a model backend is configured (as the original's list does).
class KtxToolSet
{
public:
    static ToolSet build(KtxToolContextPtr context);
};

} // namespace ktx
