/* bench_sim.c - placeholder */
int main(void) { return 0; }
