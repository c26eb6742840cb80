#pragma once

#include "wiki/wikipage.h"

#include <QList>
#include <QString>

#include <functional>

namespace ktx {

// A reference of a wiki page that points at nothing.
struct WikiReferenceFinding
{
    enum class Kind { PageRef, SemanticRef };

    QString page; // scoped key of the page holding the reference (global/<k>, user/<id>/<k>)
    QString path; // relative path of that page
    Kind kind = Kind::PageRef;
    QString target; // the ref as written
    QString message;
};

// Finds dangling refs / wiki links and sl_refs over a set of pages. It takes the
// pages and a predicate instead of reading the disk, so ingest gates can run it
// on an in-memory overlay of a run before anything lands.
class WikiReferenceCheck
{
public:
    // Whether a semantic source exists: connectionId is empty when the ref does
    // not name one (`orders` rather than `warehouse.orders`).
    using SourceExists
        = std::function<bool(const QString &connectionId, const QString &sourceName)>;

    // A page ref resolves when a page with that key is visible from the page:
    // global pages see global pages; a user's page sees that user's pages and
    // the global ones. An sl_ref `a.b` resolves as source b of connection a, or
    // else as a source literally named `a.b`.
    static QList<WikiReferenceFinding> check(const QList<WikiPage> &pages,
                                             const SourceExists &sourceExists);

    // The semantic sources of a project's semantic-layer/ folder.
    static SourceExists sourcesIn(const QString &projectDir);
};

} // namespace ktx
