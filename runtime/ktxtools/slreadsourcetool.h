#pragma once

#include "ktxtools/ktxtoolcontext.h"
#include "tools/agenttool.h"

namespace ktx {

// sl_read_source: one semantic-layer source's YAML as it is on disk
// ({sourceName, yaml}), found by its declared name in the connection's folder.
AgentTool makeSlReadSourceTool(KtxToolContextPtr context);

} // namespace ktx
