#pragma once

#include "sources/contextsource.h"

namespace ktx {

class DbtProject;
struct DbtNode;

// Maps a read dbt project onto the warehouse connection's semantic layer:
// each model or source table attaches to the warehouse source whose table it
// builds (schema + alias, case-insensitive), and its descriptions, tests, tags
// and freshness are merged into that source's file under the `dbt` origin.
// Keys from other origins stay untouched. Models that attach to nothing are
// listed on one wiki page. Deterministic: same inputs, same bytes.
class DbtSemanticMapper
{
public:
    DbtSemanticMapper(const DbtProject &project, const ContextSourceInput &input);

    // Adds the changed files and the report's sources/joins/pages/skipped.
    void map(ContextSourceExtraction &out) const;

private:
    const DbtProject &m_project;
    const ContextSourceInput &m_input;
};

} // namespace ktx
