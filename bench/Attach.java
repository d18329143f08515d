// Loads an agent into a running JVM for bench/gateway.sh's BENCH_PROFILE (run as a single-file program).
// Usage: java bench/Attach.java <pid> <agent library> <agent options>
// The JDK's attach API, as jcmd JVMTI.agent_load would, except that the options reach the agent whole (jcmd splits
// an argument at '=', and async-profiler's options are key=value pairs).
import com.sun.tools.attach.VirtualMachine;

public class Attach {

	public static void main(String[] args) throws Exception {
		if (args.length != 3) {
			System.err.println("usage: java Attach.java <pid> <agent library> <agent options>");
			System.exit(2);
		}
		VirtualMachine vm = VirtualMachine.attach(args[0]);
		try {
			vm.loadAgentPath(args[1], args[2]);
		}
		finally {
			vm.detach();
		}
	}

}
