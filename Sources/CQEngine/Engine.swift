import CQLanguage
import CQStorage
