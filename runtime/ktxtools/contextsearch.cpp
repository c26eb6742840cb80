#include "ktxtools/contextsearch.h"

namespace ktx {

Result<SearchIndex> ContextSearch::open(const KtxToolContext &context,
                                        const CancellationToken &cancel)
{
    SearchIndex index(context.projectDir,
                      SearchIndex::Options::fromConfig(context.config, context.projectDir));
    if (Result<SearchIndex::SyncStats> synced = index.refresh(cancel); !synced)
        return synced.error();
    return index;
}

} // namespace ktx
