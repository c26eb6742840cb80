#include "sourcetextcheck.h"

#include "semantic/sourceloader.h"
#include "semantic/sourcevalidator.h"

#include <QFileInfo>

#include <algorithm>

namespace ktx {

namespace {

bool samePath(const QString &a, const QString &b)
{
    return QFileInfo(a).absoluteFilePath() == QFileInfo(b).absoluteFilePath();
}

} // namespace

QList<SemanticSource> SourceTextCheck::siblingsOf(const QString &filePath)
{
    const SourceLoader::SourceSet set
        = SourceLoader::loadDirectory(QFileInfo(filePath).absolutePath());
    QList<SemanticSource> siblings;
    for (const SemanticSource &s : set.sources) {
        if (!samePath(s.filePath, filePath))
            siblings << s;
    }
    return siblings;
}

QList<SourceIssue> SourceTextCheck::check(const QByteArray &text, const QString &filePath,
                                          const QList<SemanticSource> &siblings)
{
    QList<SourceIssue> issues;
    QList<SemanticSource> own;
    for (const SourceLoader::Loaded &loaded : SourceLoader::fromYamlFile(text, filePath)) {
        issues += loaded.issues;
        // An overlay is only complete once composed onto its manifest entry, so
        // the set checks would report columns it inherits as missing.
        if (loaded.source && !loaded.source->overlay)
            own << *loaded.source;
    }
    if (own.isEmpty() || hasErrors(issues))
        return issues;
    QList<SemanticSource> all = siblings;
    all += own;
    for (const SourceIssue &issue : SourceValidator::validate(all)) {
        if (!issue.file.isEmpty() && samePath(issue.file, filePath))
            issues << issue;
    }
    std::stable_sort(issues.begin(), issues.end(), [](const SourceIssue &a, const SourceIssue &b) {
        return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    return issues;
}

bool SourceTextCheck::hasErrors(const QList<SourceIssue> &issues)
{
    return std::any_of(issues.cbegin(), issues.cend(),
                       [](const SourceIssue &i) { return i.isError(); });
}

} // namespace ktx
