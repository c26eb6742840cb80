#pragma once

#include "ktxtools/ktxtoolcontext.h"
#include "tools/agenttool.h"

namespace ktx {

// discover_data: one ranked list of references across wiki pages, semantic
// sources, measures, dimensions, tables and columns ({refs: [...]}); refs only,
// the agent reads what it picks with wiki_read, sl_read_source or entity_details.
AgentTool makeDiscoverDataTool(KtxToolContextPtr context);

// dictionary_search: where business values ("Acme Corp", "enterprise") occur
// among the profiled sample values of each connection's latest scan.
AgentTool makeDictionarySearchTool(KtxToolContextPtr context);

} // namespace ktx
