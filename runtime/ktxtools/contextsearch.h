#pragma once

#include "core/cancellationtoken.h"
#include "core/result.h"
#include "ktxtools/ktxtoolcontext.h"
#include "search/searchindex.h"

namespace ktx {

// The project's search index as the search tools use it: options from the
// project's config, brought up to date (SearchIndex::refresh) before a query.
struct ContextSearch
{
    static Result<SearchIndex> open(const KtxToolContext &context, const CancellationToken &cancel);
};

} // namespace ktx
