import SpoofGuard
