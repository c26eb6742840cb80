#pragma once

#include "core/result.h"
#include "review/runreview.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace ktx {

// The review view's structures for changes that are not a pending run: a
// person's uncommitted edits (work tree against HEAD) or any commit of the
// history (against its first parent). Read-only: per file and hunk with
// semantic summaries, no decisions and no provenance.
class ChangeReview
{
public:
    enum class Kind { WorkTree, Commit };

    // Tracked files with uncommitted changes (index or work tree) and new
    // files under semantic-layer/ and wiki/ not yet in git, against HEAD.
    static Result<ChangeReview> forWorkTree(const QString &projectDir);
    // `commit`: an id, abbreviated id or ref, resolved as git does.
    static Result<ChangeReview> forCommit(const QString &projectDir, const QString &commit);

    Kind kind() const { return m_kind; }
    QString baseCommit() const { return m_base; } // HEAD, or the first parent
    const DiffCommit &commit() const { return m_commit; } // Commit only
    const QList<ReviewFile> &files() const { return m_files; }
    QJsonObject toJson() const;

private:
    ChangeReview() = default;
    static ReviewFile fileOf(const FileDiff &diff, const std::optional<QByteArray> &before,
                             const std::optional<QByteArray> &after);

    Kind m_kind = Kind::WorkTree;
    QString m_base;
    DiffCommit m_commit;
    QList<ReviewFile> m_files;
};

} // namespace ktx
