#include "ktxtools/ktxtoolset.h"

#include "ktxtools/connectionlisttool.h"
#include "ktxtools/discoverytools.h"
#include "ktxtools/entitydetailstool.h"
#include "ktxtools/memoryingesttool.h"
#include "ktxtools/slquerytool.h"
#include "ktxtools/slreadsourcetool.h"
#include "ktxtools/sqlexecutiontool.h"
#include "ktxtools/wikitools.h"

namespace ktx {

ToolSet KtxToolSet::build(KtxToolContextPtr context)
{
    ToolSet set;
    set.add(makeConnectionListTool(context));
    set.add(makeWikiSearchTool(context));
    set.add(makeWikiReadTool(context));
    set.add(makeSlReadSourceTool(context));
    set.add(makeSlQueryTool(context));
    set.add(makeEntityDetailsTool(context));
    set.add(makeDictionarySearchTool(context));
    set.add(makeDiscoverDataTool(context));
    if (sqlExecutionAllowed(context->config))
        set.add(makeSqlExecutionTool(context));
    if (memoryIngestAvailable(context->config)) {
        set.add(makeMemoryIngestTool(context));
        set.add(makeMemoryIngestStatusTool(context));
    }
    return set;
}

} // namespace ktx
