#pragma once

#include "ktxtools/ktxtoolcontext.h"
#include "tools/agenttool.h"

namespace ktx {

// sl_query: compiles a semantic query (measures, dimensions with granularity,
// filters, segments, order_by, limit, include_empty) for one connection and
// runs it read-only: {connectionId, dialect, headers, rows, totalRows, notes?,
// sql?, plan?}. Fan-out and chasm traps are pre-aggregated; notes say so.
AgentTool makeSlQueryTool(KtxToolContextPtr context);

} // namespace ktx
