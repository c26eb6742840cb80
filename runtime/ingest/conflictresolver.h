#pragma once

#include "tools/toolset.h"

#include <QByteArray>
#include <QMutex>
#include <QString>

#include <optional>

namespace ktx {

// One textual conflict of integration: two units changed the same lines of a
// file (or both created it, or one deleted what the other changed).
struct IntegrationConflict
{
    QString path;
    QString unitKey; // the unit whose version did not apply
    std::optional<QByteArray> base; // the file before the run
    std::optional<QByteArray> ours; // integrated so far (earlier units)
    std::optional<QByteArray> theirs; // this unit's version
};

// The tools and checks of the textual-conflict resolver (ktx-internals §1.7:
// role `repair`, budget 12, at most 2 attempts). The model reads the three
// versions and answers by writing the merged file or declaring the unit's
// change redundant; a written file counts only when it passes the file's own
// check (a semantic source that loads, a wiki page that parses), never on the
// model's word.
class ConflictResolver
{
public:
    static constexpr int StepBudget = 12;
    static constexpr int MaxAttempts = 2;

    explicit ConflictResolver(IntegrationConflict conflict);

    ToolSet toolSet();
    QString systemPrompt() const;
    QString userPrompt(const QString &previousProblem) const;

    enum class Verdict { Open, Resolved, Redundant };
    Verdict verdict() const;
    // The merged bytes (nullopt: the merge deletes the file); only when Resolved.
    std::optional<QByteArray> merged() const;

    // Empty when `bytes` is a valid version of `path`, else what is wrong.
    static QString check(const QString &path, const QByteArray &bytes);

private:
    IntegrationConflict m_conflict;
    mutable QMutex m_mutex;
    Verdict m_verdict = Verdict::Open;
    std::optional<QByteArray> m_merged;
};

} // namespace ktx
