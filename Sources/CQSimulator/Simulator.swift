import CQStorage
