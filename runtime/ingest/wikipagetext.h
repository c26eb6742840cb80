#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace ktx {

// What ingest needs of a wiki page (ktx-spec §5) to check and prune what agents
// write: the front-matter's summary, refs and sl_refs, and the body's [[key]]
// links. Parsing is runtime/wiki's (WikiPage::parse, WikiStore::isValidKey);
// withoutRef edits the bytes in place so a pruned page keeps its author's
// formatting, which WikiPage::serialize would normalise.
struct WikiPageText
{
    QString summary;
    QStringList refs;
    QStringList slRefs;
    QStringList links; // [[key]] / [[key|label]] targets in the body
    QString body;

    // WikiPage::parse's errors (wiki.invalid_page): no front-matter, bad YAML,
    // no summary, a known key of the wrong type.
    static Result<WikiPageText> parse(const QByteArray &text);
    // WikiStore::isValidKey, and not ending in ".md".
    static bool isValidKey(const QString &key);

    // Removes `target` from the front-matter list `listKey` (refs / sl_refs) and,
    // for refs, turns [[target]] / [[target|label]] links into plain text.
    static QByteArray withoutRef(const QByteArray &text, const QString &listKey,
                                 const QString &target);
};

} // namespace ktx
