#pragma once

#include "status/statusreport.h"

#include <QIcon>
#include <QPixmap>

class QPalette;

namespace ktx {

// A filled dot in the state's colour with a glyph (check, exclamation mark,
// cross, dash), so the state reads without relying on colour alone.
class StateIcon
{
public:
    StateIcon() = delete;

    static QPixmap pixmap(ReadinessState state, const QPalette &palette, int size,
                          qreal devicePixelRatio);
    static QIcon icon(ReadinessState state, const QPalette &palette);
};

} // namespace ktx
