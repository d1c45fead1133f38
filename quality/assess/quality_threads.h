#ifdef __cplusplus
extern "C" {
#endif
void veriport_set_num_threads(int n);
#ifdef __cplusplus
}
#endif
