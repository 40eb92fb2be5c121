import CQEngine
import CQRendering
