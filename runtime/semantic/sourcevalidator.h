#pragma once

#include "semantic/semanticsource.h"
#include "semantic/sourceissue.h"

#include <QList>

namespace ktx {

// Checks a whole source set, beyond what one file can say about itself: join
// targets that do not exist, join keys that are not columns, measure segments
// that are not declared, duplicate names, and (as a warning) a join graph in
// several disconnected pieces, where queries spanning them fail.
class SourceValidator
{
public:
    static QList<SourceIssue> validate(const QList<SemanticSource> &sources);
};

} // namespace ktx
