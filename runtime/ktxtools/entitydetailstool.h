#pragma once

#include "ktxtools/ktxtoolcontext.h"
#include "tools/agenttool.h"

namespace ktx {

// entity_details: table and column metadata from the connection's latest
// live-database scan (raw-sources/<id>/live-database/<syncId>/), one result per
// requested entity: {ok:true, tableRef, kind, columns, foreignKeys, snapshot,
// ...} or {ok:false, error{code: scan_missing | table_not_found |
// ambiguous_table | column_not_found, message, candidates?}}. Reads files
// only; the warehouse is never contacted.
AgentTool makeEntityDetailsTool(KtxToolContextPtr context);

} // namespace ktx
