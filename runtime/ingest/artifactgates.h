#pragma once

#include "ingest/contextoverlay.h"
#include "ingest/ingestreport.h"

#include <QList>
#include <QStringList>

namespace ktx {

// The deterministic gates (ktx-internals §1.9) over what a run changed, with
// pruning instead of failing: an invalid source is dropped (or reverted to its
// accepted version), a join to a missing source is removed, a wiki reference
// (refs, [[link]], sl_refs) to a missing page or source is removed, and so is a
// reference from a global page to a user page (wiki/user/<id>/ pages are seen
// only by their user; kind out_of_scope_wiki_ref). Only what
// the run touched is judged, plus joins pointing at sources the run removed, so
// older breakage elsewhere never blocks new work.
class ArtifactGates
{
public:
    struct Outcome
    {
        QList<GatePrune> pruned; // references removed
        QList<GatePrune> dropped; // invalid artifacts dropped or reverted
    };

    static Outcome apply(ContextOverlay &run, const QStringList &connections);

    // The YAML text without the joins whose `to` is `target` (block lists).
    static QByteArray withoutJoin(const QByteArray &yaml, const QString &target);
};

} // namespace ktx
