#pragma once

#include "ktxtools/ktxtoolcontext.h"
#include "tools/agenttool.h"

namespace ktx {

// connection_list: the project's database connections
// ({connections:[{id, name, connectionType}]}), so an agent knows which
// connectionId to pass to the connection-scoped tools.
AgentTool makeConnectionListTool(KtxToolContextPtr context);

} // namespace ktx
